/**
 * Commands that take settings (src/config.ts) declare their flags from the settings table, so every setting's
 * flag, variable and default show in --help exactly as the configuration reads them.
 */
import { Option, type Command } from 'commander';
import { describeSetting, readConfig, SETTING_GROUPS, type Config, type Flags, type SettingGroup } from '../config.ts';

/** Adds the flags of these groups; settings read only from the environment are listed after the options. */
export function addSettings(cmd: Command, groups: readonly SettingGroup[]): Command {
  const envOnly: string[] = [];
  for (const group of groups) {
    for (const s of Object.values(SETTING_GROUPS[group])) {
      if (s.flag) cmd.addOption(new Option(s.flag, describeSetting(s)));
      else envOnly.push(`  ${s.env}  ${describeSetting(s).replace(/ \(env [A-Z_]+; /, ' (')}`);
    }
  }
  if (envOnly.length > 0) cmd.addHelpText('after', `\nEnvironment only:\n${envOnly.join('\n')}`);
  return cmd;
}

/** The flags given on the command line (not commander's implicit defaults, such as `true` for --no-web). */
export function givenFlags(cmd: Command): Flags {
  const out: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(cmd.opts())) {
    if (cmd.getOptionValueSource(key) === 'cli' && (typeof value === 'string' || typeof value === 'boolean')) out[key] = value;
  }
  return out;
}

/** The command's configuration: its flags, then the process environment, then the defaults. */
export function configOf(cmd: Command): Config {
  return readConfig(givenFlags(cmd), process.env);
}
