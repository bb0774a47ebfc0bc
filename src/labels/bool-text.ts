/**
 * The spellings of true and false, shared by `whalewall.enabled` and the `allow` fields.
 *
 * Go's yaml.v3, which the original decoded these typed booleans with, takes the YAML 1.2 forms
 * and, for a typed bool only, the YAML 1.1 forms. The same set is accepted here, and nothing else.
 */

export const TRUE_SPELLINGS = [
  'true',
  'True',
  'TRUE',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
] as const;

export const FALSE_SPELLINGS = [
  'false',
  'False',
  'FALSE',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
] as const;

/** The boolean a spelling stands for, or undefined when it is none of the accepted ones. */
export function parseBoolText(text: string): boolean | undefined {
  if ((TRUE_SPELLINGS as readonly string[]).includes(text)) return true;
  if ((FALSE_SPELLINGS as readonly string[]).includes(text)) return false;
  return undefined;
}
