/**
 * What a machine format prints when the command could not produce its report (a usage or
 * input error, an internal error, a stop by a signal). A machine format must never look
 * like success, nor be empty: JSON gets an error document, GitHub an `::error`
 * annotation, Prometheus `aitoss_check_success 0`.
 */
import { command as workflowCommand } from './github.js';
import { renderJsonError, type RunFailure } from './json.js';
import { renderPrometheusFailure } from './prometheus.js';

export type MachineFormat = 'json' | 'github' | 'prometheus';

export function renderRunFailure(format: MachineFormat, failure: RunFailure, evaluatedAt: Date): string {
  switch (format) {
    case 'json':
      return renderJsonError(failure);
    case 'github':
      return `${workflowCommand('error', { title: 'aitoss could not run the check' }, `aitoss: ${failure.message}`)}\n`;
    case 'prometheus':
      return renderPrometheusFailure(evaluatedAt);
  }
}
