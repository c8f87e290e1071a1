/** The process logger: JSON lines, with every field that could carry a secret redacted. */
import pino, { type DestinationStream, type Logger } from 'pino';

export const redactedPaths = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'privateKey',
  '*.privateKey',
  'bindPassword',
  '*.bindPassword',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { app: 'lifecycle' },
  };
  return destination ? pino(options, destination) : pino(options);
}
