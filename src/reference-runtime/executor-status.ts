import { STATUS_ERROR, type Status } from '../protocol/data-request.ts';
import { RemoteExecutorError } from './executors/remote-executor.ts';
import { ExecutorException } from './executors/simulated-executor.ts';

/**
 * An exception raised in an executor → the StatusProto Jina's worker builds
 * (`add_exception`): description `repr(ex)`, exception name, args, a traceback, and
 * `executor` = the executor's class name (not the deployment name: the route with this
 * status names the deployment).
 */
export function exceptionStatus(error: unknown, className: string, endpoint: string): Status {
  // An external executor built its status itself: pass it on as Jina's gateway does.
  if (error instanceof RemoteExecutorError) return error.status;
  const { name, args, repr } = describe(error);
  return {
    code: STATUS_ERROR,
    description: repr,
    exception: {
      name,
      args,
      stacks: [
        'Traceback (most recent call last):\n',
        `  File "jina-stress/reference/${className}.py", line 1, in ${endpoint.replace(/^\//, '') || 'default'}\n`,
        `${name}: ${args.join(', ')}\n`,
      ],
      executor: className,
    },
  };
}

function describe(error: unknown): { name: string; args: string[]; repr: string } {
  if (error instanceof ExecutorException) return { name: error.pythonName, args: error.args, repr: error.repr };
  const name = error instanceof Error ? error.name : 'Exception';
  const message = error instanceof Error ? error.message : String(error);
  return { name, args: [message], repr: `${name}('${message.replaceAll("'", "\\'")}')` };
}
