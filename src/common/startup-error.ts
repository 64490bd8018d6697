/**
 * A reason the gateway cannot start that the operator can fix (a port in use, …). `main.ts` prints its
 * message as the one line it exits with, without a stack.
 */
export class StartupError extends Error {}
