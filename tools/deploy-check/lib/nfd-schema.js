// A structural check of Node Feature Discovery's NodeFeatureRule (nfd.k8s-sigs.io/v1alpha1), whose
// schema kubernetes-models does not ship: the fields our rules use, unknown fields refused.
'use strict';

const kRuleFields = new Set(['name', 'labels', 'annotations', 'extendedResources', 'vars',
  'taints', 'matchFeatures', 'matchAny', 'labelsTemplate', 'varsTemplate']);
const kOps = new Set(['In', 'NotIn', 'InRegexp', 'Exists', 'DoesNotExist', 'Gt', 'Lt', 'GtLt',
  'IsTrue', 'IsFalse']);

function stringMap(value, where, problems) {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value) ||
      Object.values(value).some((v) => typeof v !== 'string')) {
    problems.push(`${where} must map names to strings`);
  }
}

function checkMatchFeatures(terms, where, problems) {
  if (!Array.isArray(terms)) return problems.push(`${where} must be a list`);
  terms.forEach((term, i) => {
    if (typeof term?.feature !== 'string') problems.push(`${where}/${i}/feature must be a string`);
    for (const [key, expression] of Object.entries(term?.matchExpressions || {})) {
      if (!kOps.has(expression?.op)) problems.push(`${where}/${i}/matchExpressions/${key}: bad op`);
      if (expression?.value !== undefined && !Array.isArray(expression.value)) {
        problems.push(`${where}/${i}/matchExpressions/${key}/value must be a list`);
      }
    }
  });
}

// Returns a list of problems (empty when the object is a valid NodeFeatureRule).
function validateNodeFeatureRule(object) {
  const problems = [];
  if (typeof object.metadata?.name !== 'string') problems.push('/metadata/name must be a string');
  const rules = object.spec?.rules;
  if (!Array.isArray(rules) || rules.length === 0) return [...problems, '/spec/rules must be a non-empty list'];
  rules.forEach((rule, i) => {
    const where = `/spec/rules/${i}`;
    if (typeof rule?.name !== 'string') problems.push(`${where}/name must be a string`);
    for (const key of Object.keys(rule || {})) {
      if (!kRuleFields.has(key)) problems.push(`${where}: unknown field "${key}"`);
    }
    for (const field of ['labels', 'annotations', 'extendedResources', 'vars']) {
      stringMap(rule?.[field], `${where}/${field}`, problems);
    }
    if (rule?.matchFeatures !== undefined) {
      checkMatchFeatures(rule.matchFeatures, `${where}/matchFeatures`, problems);
    }
  });
  return problems;
}

module.exports = { validateNodeFeatureRule };
