/** A named check that any test runner can run: `for (const c of cases) it(c.name, c.run)`. */
export interface ConformanceCase {
  name: string;
  run(): Promise<void>;
}
