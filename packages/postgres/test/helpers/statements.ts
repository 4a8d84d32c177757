import type pg from 'pg';

/**
 * Records the text of every statement the pool's connections send into `sent`, so a test can count
 * round trips and see what a flush wrote. Installed on each connection as it opens.
 */
export function recordStatements(pool: pg.Pool, sent: string[]): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const config = args[0];
      sent.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
      return query(...args);
    };
  });
}
