// Types of readme-examples.mjs, for test/readme-examples.test.ts.
export interface ReadmeExample {
  line: number;
  first: number;
  end: number;
  tail: number | undefined;
  args: string[];
  shown: string;
}
export const ROOT: string;
export const README: string;
export const PINNED_NOW: string;
export function examplesOf(text: string): ReadmeExample[];
export function runExample(example: ReadmeExample): string;
