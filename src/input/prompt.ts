/**
 * A hidden prompt on the terminal, for key passphrases (never taken from argv).
 * Reads raw keystrokes so nothing is echoed.
 */
export function createSecretPrompt(
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown },
  out: NodeJS.WritableStream,
): ((question: string) => Promise<string>) | undefined {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return undefined;
  const setRawMode = stdin.setRawMode.bind(stdin);
  return (question) =>
    new Promise<string>((resolve, reject) => {
      // Echo goes off before the question shows: an answer typed or pasted at once is never echoed.
      setRawMode(true);
      out.write(question);
      let value = '';
      stdin.resume();
      const finish = (error?: Error) => {
        stdin.off('data', onData);
        setRawMode(false);
        stdin.pause();
        out.write('\n');
        if (error) reject(error);
        else resolve(value);
      };
      const onData = (chunk: Buffer | string) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n' || char === '\u0004') return finish();
          if (char === '\u0003') return finish(Object.assign(new Error('cancelled'), { code: 'ABORT_ERR' }));
          if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
          else value += char;
        }
      };
      stdin.on('data', onData);
    });
}
