/**
 * A hidden prompt on the terminal, for key passphrases (never taken from argv).
 * Reads raw keystrokes so nothing is echoed. Ctrl-C (a keystroke in raw mode) and
 * SIGINT/SIGTERM end it with Interrupted, the terminal restored.
 */
import { Interrupted } from '../core/errors.js';

export function createSecretPrompt(
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown },
  out: NodeJS.WritableStream,
): ((question: string) => Promise<string>) | undefined {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return undefined;
  const setRawMode = stdin.setRawMode.bind(stdin);
  return (question) =>
    new Promise<string>((resolve, reject) => {
      let value = '';
      const finish = (error?: Error) => {
        stdin.off('data', onData);
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
        setRawMode(false);
        stdin.pause();
        out.write('\n');
        if (error) reject(error);
        else resolve(value);
      };
      const onData = (chunk: Buffer | string) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n' || char === '\u0004') return finish();
          if (char === '\u0003') return finish(new Interrupted('SIGINT'));
          if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
          else value += char;
        }
      };
      const onSigint = () => finish(new Interrupted('SIGINT'));
      const onSigterm = () => finish(new Interrupted('SIGTERM'));
      // A signal from outside (kill, a CI runner stopping the job) restores the terminal too.
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigterm);
      // Echo goes off before the question shows: an answer typed or pasted at once is never echoed.
      setRawMode(true);
      out.write(question);
      stdin.resume();
      stdin.on('data', onData);
    });
}
