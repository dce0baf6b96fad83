/** `MAJOR.MINOR`, no leading zeros, so a version string has exactly one spelling. */
export const VERSION_PATTERN = '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$';

const VERSION = new RegExp(VERSION_PATTERN);

export interface VersionParts {
  major: number;
  minor: number;
}

export function parseVersion(version: string): VersionParts | undefined {
  const match = VERSION.exec(version);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (left === undefined || right === undefined) throw new RangeError(`not a version: ${a}, ${b}`);
  return left.major - right.major || left.minor - right.minor;
}

/** The version pattern restricted to one major: any minor of it, known or not yet known. */
export function majorVersionPattern(major: number): string {
  return `^${major}\\.(0|[1-9][0-9]*)$`;
}
