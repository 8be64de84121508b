// Checks a simulation pod's wiring for real: runs the init container's `simulate` and then the
// binary's `detect` on the host root that `serve` would read, with every container path mapped
// through its volume mounts to one temporary folder per volume. Catches a --host-root or
// --cpuid-dump that misses what `simulate --out` wrote, or a volume the two do not share.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { flagValue } = require('./plugin-args');

// Maps an absolute container path to {volume, hostPath} through the container's volume mounts,
// or returns null when no mount holds it.
function mapPath(container, containerPath, volumeRoot) {
  let best = null;
  for (const mount of container.volumeMounts || []) {
    const prefix = mount.mountPath.replace(/\/+$/, '');
    if (containerPath !== prefix && !containerPath.startsWith(`${prefix}/`)) continue;
    if (best === null || prefix.length > best.prefix.length) best = { prefix, volume: mount.name };
  }
  if (best === null) return null;
  const rest = containerPath.slice(best.prefix.length);
  return { volume: best.volume, hostPath: path.join(volumeRoot, best.volume, rest) };
}

function run(binary, args) {
  try {
    execFileSync(binary, args, { stdio: 'pipe', timeout: 20000 });
    return null;
  } catch (error) {
    const output = `${error.stdout || ''}${error.stderr || ''}`.trim().split('\n').slice(-3).join(' | ');
    return `\`${path.basename(binary)} ${args.join(' ')}\` exited ${error.status}: ${output}`;
  }
}

// Returns problems for a simulation pod (an init container running `simulate` and a container
// running `serve`), or [] when the pod has no such pair.
function checkSimulatedHost(plugins, binary) {
  const init = plugins.find((p) => p.kind === 'initContainers' && p.container.args?.[0] === 'simulate');
  const serve = plugins.find((p) => p.kind === 'containers' && p.container.args?.[0] === 'serve');
  if (!init || !serve) return [];
  const volumeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-check-'));
  try {
    const out = flagValue(init.container.args, '--out');
    const hostRoot = flagValue(serve.container.args, '--host-root');
    const dump = flagValue(serve.container.args, '--cpuid-dump');
    const mapped = {
      out: out && mapPath(init.container, out, volumeRoot),
      hostRoot: hostRoot && mapPath(serve.container, hostRoot, volumeRoot),
      dump: dump && mapPath(serve.container, dump, volumeRoot),
    };
    for (const [name, value] of Object.entries(mapped)) {
      if (!value) return [`simulation: the ${name} path is not on any volume the containers mount`];
    }
    if (mapped.out.volume !== mapped.hostRoot.volume) {
      return [`simulation: simulate writes to volume "${mapped.out.volume}" ` +
      `but serve reads "${mapped.hostRoot.volume}"`];
    }
    const simulateArgs = init.container.args.map((arg) =>
      arg.startsWith('--out=') ? `--out=${mapped.out.hostPath}` : arg === out ? mapped.out.hostPath : arg);
    const problem = run(binary, simulateArgs) ||
      run(binary, ['detect', `--host-root=${mapped.hostRoot.hostPath}`, `--cpuid-dump=${mapped.dump.hostPath}`]);
    return problem ? [`simulation: ${problem}`] : [];
  } finally {
    fs.rmSync(volumeRoot, { recursive: true, force: true });
  }
}

module.exports = { mapPath, checkSimulatedHost };
