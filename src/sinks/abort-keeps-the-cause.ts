import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * The client an `Upload` (lib-storage) gets: the same, except that a failing
 * AbortMultipartUpload resolves instead of throwing, its error passed to `onAbortFailure`.
 * lib-storage aborts a multipart upload when a part fails and lets the abort's own error
 * replace the part's: a throttled part (503 SlowDown, worth another try) then surfaced as the
 * store's refusal of the abort (s3rver: 405 MethodNotAllowed, which it answers to every
 * abort), and the upload was given up instead of retried.
 */
export function clientWhoseAbortKeepsTheCause(client: S3Client, onAbortFailure: (error: unknown) => void): S3Client {
  const send = async (command: Parameters<S3Client['send']>[0]): Promise<unknown> => {
    try {
      return await client.send(command);
    } catch (error) {
      if (!(command instanceof AbortMultipartUploadCommand)) throw error;
      onAbortFailure(error);
      return { $metadata: {} };
    }
  };
  return new Proxy(client, {
    get: (target, property, receiver) => (property === 'send' ? send : Reflect.get(target, property, receiver)),
  });
}
