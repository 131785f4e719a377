// node-cron tasks in the desk's time zone. Every task is `distributed`: before a slot runs, the run
// coordinator (Postgres, see storage/repositories/schedule-slots.ts) decides which instance takes it.
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';

export interface ScheduledJob {
  /** Also the coordination key's prefix: the same on every instance. */
  name: string;
  cron: string;
  run(slot: Date): Promise<void>;
}

export interface Schedules {
  tasks: ScheduledTask[];
  stop(): Promise<void>;
}

export function startSchedules(
  jobs: ScheduledJob[],
  options: {
    timezone: string;
    coordinator: RunCoordinator;
    onError(job: string, error: unknown): void;
  },
): Schedules {
  const tasks = jobs.map((job) =>
    cron.schedule(
      job.cron,
      async (context) => {
        try {
          await job.run(context.date);
        } catch (error) {
          options.onError(job.name, error);
        }
      },
      {
        name: job.name,
        timezone: options.timezone,
        noOverlap: true,
        distributed: true,
        runCoordinator: options.coordinator,
      },
    ),
  );
  return {
    tasks,
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}
