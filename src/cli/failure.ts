// How a command ends when it cannot do what was asked: a message for stderr and the exit code that says why.

/** 0 done; 1 refused by the domain (no such account, would overdraw, …); 2 bad usage or configuration. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown by a command and turned into one line on stderr and an exit code by the program (program.ts). */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}

/** The request was understood and the domain refuses it. */
export function refused(message: string): never {
  throw new CommandFailure(message, EXIT.refused);
}

/** The arguments, the options or the configuration are wrong: the operator has to change the command. */
export function badUsage(message: string): never {
  throw new CommandFailure(message, EXIT.usage);
}
