// Checks what of the host a `serve` container mounts under its --host-root: exactly the paths the
// plugin reads and watches (src/hw/inventory.cc, sgx_devices.cc, guest_devices.cc and
// src/health/device_watcher.cc), each read-only at its own host path, and nothing wider.
'use strict';

const path = require('path');
const { flagValue } = require('./plugin-args');

// Host paths a real node's plugin must see, and why.
const kRequired = new Map([
  ['/dev', 'the enclave and guest device nodes, watched with inotify so a node created later is seen'],
  ['/sys/devices/system/node', 'per-NUMA EPC sizes, watched'],
  ['/proc/cpuinfo', "the kernel's SGX flags"],
]);
// Host paths an overlay may add: aesmd's socket directory, configfs (configfs-tsm in guests).
const kOptional = new Set(['/var/run/aesmd', '/sys/kernel/config']);

function hostRootOf(container) {
  const root = flagValue(container.args || [], '--host-root') ??
    (container.env || []).find((e) => e.name === 'TEE_HOST_ROOT')?.value ?? '/';
  return path.posix.normalize(`${root}/`).replace(/\/+$/, '') || '/';
}

// Returns problems for one `serve` container of a pod spec. Containers whose host root gets no
// hostPath volume (a simulated root in an emptyDir, or the real / with --host-root=/) have
// nothing to check.
function checkHostMounts(podSpec, container) {
  if (container.args?.[0] !== 'serve') return [];
  const root = hostRootOf(container);
  if (root === '/') return [];
  const volumes = new Map((podSpec.volumes || []).map((v) => [v.name, v]));
  const problems = [];
  const mounted = [];
  for (const mount of container.volumeMounts || []) {
    const at = path.posix.normalize(mount.mountPath);
    if (at !== root && !at.startsWith(`${root}/`)) continue;
    const hostPath = volumes.get(mount.name)?.hostPath?.path;
    if (hostPath === undefined) continue;
    const host = path.posix.normalize(hostPath);
    const wanted = at.slice(root.length) || '/';
    if (host !== wanted) {
      problems.push(`mounts host ${host} at ${at}: the plugin reads ${root}${host}`);
      continue;
    }
    if (!kRequired.has(host) && !kOptional.has(host)) {
      problems.push(`mounts host ${host}; the plugin reads only ${[...kRequired.keys(), ...kOptional].join(', ')}`);
      continue;
    }
    if (mount.readOnly !== true) problems.push(`mounts host ${host} writable; the plugin only reads it`);
    mounted.push(host);
  }
  if (mounted.length === 0 && problems.length === 0) return [];
  for (const [host, why] of kRequired) {
    if (!mounted.includes(host)) problems.push(`does not mount host ${host} at ${root}${host} (${why})`);
  }
  return problems;
}

module.exports = { checkHostMounts };
