/** The structured logger passed to what runs in the background (pino's shape: fields first, then a message). */
export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
