import { AppException } from '../common/errors/app.exception.js';
import type { CommandStatus } from './command.entity.js';
import type { CommandView } from './command.view.js';
import { replayedAnswer, syncAnswer } from './command-answer.js';

const view = (status: CommandStatus) => ({ id: 'cmd_1', status, timeoutMs: 1000 }) as CommandView;

describe(syncAnswer.name, () => {
  it.each<[CommandStatus, number]>([
    ['succeeded', 200],
    ['failed', 200],
    ['cancelled', 200],
    ['queued', 202],
    ['sent', 202],
    ['delivered', 202],
  ])('%s → %i', (status, http) => {
    expect(syncAnswer(view(status)).status).toBe(http);
  });

  it.each<CommandStatus>(['timed_out', 'expired'])('%s → 504 50401 with the command in data', (status) => {
    let error: unknown;
    try {
      syncAnswer(view(status));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppException);
    expect((error as AppException).status).toBe(504);
    expect((error as AppException).code).toBe(50401);
    expect((error as AppException).options.extra).toEqual({ data: view(status) });
  });

  it('replays the first status with the command as it is now', () => {
    expect(replayedAnswer(202, view('succeeded'))).toEqual({ status: 202, command: view('succeeded') });
    expect(replayedAnswer(200, view('failed')).status).toBe(200);
    expect(() => replayedAnswer(504, view('timed_out'))).toThrow(AppException);
  });
});
