// RBAC grants `patch nodes/status` on every Node. Checks, per rendered file, that each service
// account given that is also confined by a ValidatingAdmissionPolicy (with a Deny binding in the
// same file) whose match condition names it: renaming the account in an overlay, or dropping the
// policy, would otherwise quietly give one node's plugin every node's status.
'use strict';

// True when a ClusterRole rule lets its holder patch or update nodes/status.
function grantsNodeStatus(role) {
  return (role.rules || []).some((rule) =>
    (rule.apiGroups || []).some((g) => g === '' || g === '*') &&
    (rule.resources || []).some((r) => r === 'nodes/status' || r === '*' || r === 'nodes/*') &&
    (rule.verbs || []).some((v) => v === 'patch' || v === 'update' || v === '*'));
}

// The regular expressions of `request.userInfo.username.matches('...')` in a policy's match
// conditions (the form deploy/components/register-epc uses).
function usernamePatterns(policy) {
  const patterns = [];
  for (const condition of policy.spec?.matchConditions || []) {
    const found = /request\.userInfo\.username\.matches\('([^']*)'\)/.exec(condition.expression || '');
    if (found) patterns.push(new RegExp(found[1].replace(/\\\\/g, '\\')));
  }
  return patterns;
}

// Returns [{document, problem}] for the documents of one rendered file.
function checkNodeStatusConfined(documents) {
  const ofKind = (kind) => documents.filter((d) => d.object?.kind === kind);
  const denied = new Set(ofKind('ValidatingAdmissionPolicyBinding')
    .filter((d) => (d.object.spec?.validationActions || []).includes('Deny'))
    .map((d) => d.object.spec.policyName));
  const patterns = ofKind('ValidatingAdmissionPolicy')
    .filter((d) => denied.has(d.object.metadata?.name))
    .flatMap((d) => usernamePatterns(d.object));
  const granting = new Set(ofKind('ClusterRole').filter((d) => grantsNodeStatus(d.object))
    .map((d) => d.object.metadata?.name));
  const problems = [];
  for (const binding of ofKind('ClusterRoleBinding')) {
    if (binding.object.roleRef?.kind !== 'ClusterRole' || !granting.has(binding.object.roleRef.name)) continue;
    for (const subject of binding.object.subjects || []) {
      if (subject.kind !== 'ServiceAccount') continue;
      const user = `system:serviceaccount:${subject.namespace}:${subject.name}`;
      if (!patterns.some((p) => p.test(user))) {
        problems.push({ document: binding, problem: `${user} may patch every Node's status, and no ` +
          'ValidatingAdmissionPolicy bound with Deny confines it to its own Node' });
      }
    }
  }
  return problems;
}

module.exports = { grantsNodeStatus, usernamePatterns, checkNodeStatusConfined };
