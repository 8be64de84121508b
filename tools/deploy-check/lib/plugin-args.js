// Checks that containers running the plugin's image pass it real subcommands, flags and
// environment variables, as the built binary's own `<subcommand> --help` lists them.
'use strict';

// Parses CLI11 help text into {flags: Map(name -> takesValue), env: Set}. A flag takes a value
// when its name is followed by one space and a type word (`--host-root TEXT=/`); a boolean
// flag's description follows after padding (`--json      Print JSON`).
function parseHelp(text) {
  const flags = new Map();
  const env = new Set();
  for (const line of text.split('\n')) {
    const match = /^\s+(?:-[A-Za-z],)?(--[A-Za-z0-9][A-Za-z0-9-]*)( [A-Z][A-Z0-9_]*(?=[=:\s]|$))?/.exec(line);
    if (match) flags.set(match[1], match[2] !== undefined);
    for (const name of line.matchAll(/\(Env:([A-Za-z0-9_]+)\)/g)) env.add(name[1]);
  }
  return { flags, env };
}

// Checks one container's args; returns a list of problems. `helpFor(subcommand)` returns the
// parsed help, or null when the binary has no such subcommand.
function checkArgs(container, helpFor) {
  if (container.command !== undefined) {
    return ['sets `command`: the image\'s entrypoint is the plugin; pass the subcommand in args'];
  }
  const args = container.args || [];
  if (args.length === 0 || typeof args[0] !== 'string' || args[0].startsWith('-')) {
    return ['args must start with a subcommand (serve, detect, simulate, ...)'];
  }
  const help = helpFor(args[0]);
  if (help === null) return [`unknown subcommand "${args[0]}"`];
  const problems = [];
  for (let i = 1; i < args.length; ++i) {
    const arg = String(args[i]);
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument "${arg}" (${args[0]} takes only --flags)`);
      continue;
    }
    const [name, ...rest] = arg.split('=');
    if (!help.flags.has(name)) {
      problems.push(`unknown flag "${name}" for ${args[0]} (it has ${[...help.flags.keys()].join(' ')})`);
      continue;
    }
    const takesValue = help.flags.get(name);
    if (takesValue && rest.length === 0) {
      if (i + 1 >= args.length) problems.push(`flag "${name}" needs a value`);
      ++i;
    } else if (!takesValue && rest.length > 0 && !['true', 'false'].includes(rest.join('='))) {
      problems.push(`flag "${name}" takes no value, got "${rest.join('=')}"`);
    }
  }
  for (const variable of container.env || []) {
    if (variable.name.startsWith('TEE_') && !help.env.has(variable.name)) {
      problems.push(`environment variable ${variable.name} is not one ${args[0]} reads`);
    }
  }
  return problems;
}

// Value of `--name=value` or `--name value` in args, or undefined.
function flagValue(args, name) {
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === name) return args[i + 1];
    if (String(args[i]).startsWith(`${name}=`)) return String(args[i]).slice(name.length + 1);
  }
  return undefined;
}

module.exports = { parseHelp, checkArgs, flagValue };
