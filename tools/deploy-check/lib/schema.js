// Schema validation of Kubernetes objects with the `kubernetes-models` package (the API's
// OpenAPI schemas compiled to validators), offline.
'use strict';

const path = require('path');
const { validateNodeFeatureRule } = require('./nfd-schema');

// kubernetes-models 5 is an ES module whose package exports offer only `import`; Node 20 loads
// such a module with require() when given its file, which keeps the checker synchronous.
const kModelsDir = path.join(__dirname, '..', 'node_modules', 'kubernetes-models');

// The kubernetes-models module for apiVersion/kind: "apps/v1" -> apps/v1/<Kind>, "v1" ->
// v1/<Kind>. Returns null for values that could not name a built-in type.
function modelModule(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) return null;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind)) return null;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

function loadModel(apiVersion, kind) {
  const name = modelModule(apiVersion, kind);
  if (name === null) return null;
  try {
    const file = path.join(kModelsDir, `${name.slice('kubernetes-models/'.length)}.js`);
    return { name, model: require(file)[kind] };
  } catch (error) {
    if (['MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED'].includes(error.code)) return null;
    throw error;
  }
}

// Returns a list of problems (empty when the object is valid).
function validateSchema(object) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    return ['not a mapping'];
  }
  if (object.apiVersion === 'nfd.k8s-sigs.io/v1alpha1' && object.kind === 'NodeFeatureRule') {
    return validateNodeFeatureRule(object);
  }
  const found = loadModel(object.apiVersion, object.kind);
  if (found === null) {
    return [`no built-in schema for apiVersion "${object.apiVersion}" kind "${object.kind}"`];
  }
  try {
    new found.model(object).validate();
    return [];
  } catch (error) {
    return error.message.split(', ').map((line) => line.replace(/^data\//, '/'));
  }
}

module.exports = { modelModule, loadModel, validateSchema };
