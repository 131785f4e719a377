// Runs once in the main vitest process. With TEST_DATABASE_URL set, fail fast with a readable message
// when the server does not answer, rather than with a connection error in every test file.
import postgres from 'postgres';

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const admin = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`TEST_DATABASE_URL is set but Postgres does not answer at ${redact(url)}: ${reason}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
