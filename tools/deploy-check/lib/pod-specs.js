// Finds the pod templates inside workload objects and the containers that run the plugin's image.
'use strict';

// The pod spec of a Pod, a workload with spec.template, or a CronJob; null for other kinds.
function podSpecOf(object) {
  const spec = object && object.spec;
  if (!spec) return null;
  if (object.kind === 'Pod') return spec;
  if (object.kind === 'CronJob') return spec.jobTemplate?.spec?.template?.spec ?? null;
  return spec.template?.spec ?? null;
}

// "registry:5000/team/tee-device-plugin:0.1.0@sha256:..." -> "tee-device-plugin".
function imageBaseName(image) {
  if (typeof image !== 'string') return '';
  const withoutDigest = image.split('@')[0];
  const lastPart = withoutDigest.split('/').pop();
  return lastPart.split(':')[0];
}

// [{kind: 'containers'|'initContainers', container}] for every container running `imageName`.
function pluginContainers(podSpec, imageName) {
  const found = [];
  for (const kind of ['initContainers', 'containers']) {
    for (const container of podSpec[kind] || []) {
      if (imageBaseName(container.image) === imageName) found.push({ kind, container });
    }
  }
  return found;
}

module.exports = { podSpecOf, imageBaseName, pluginContainers };
