package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// kindsWithoutSchema are kinds whose CRD this cluster cannot have: Node Feature Discovery's API
// is not published where the stage can fetch it. scripts/validate-deploy.sh checks them offline.
var kindsWithoutSchema = map[string]bool{"NodeFeatureRule": true}

// Scenario 10: every rendered kustomization in deploy/ (the base, each overlay, the base with
// each component) and every example passes `kubectl apply --dry-run=server`: the real API
// server's schema, defaulting and admission.
func TestDryRunServer(t *testing.T) {
	only(t)
	// A dry run creates nothing, so the plugin's namespace must exist for its namespaced objects.
	deploy(t, "simulation")
	dirs, _ := filepath.Glob(filepath.Join(repo, "deploy", "overlays", "*"))
	dirs = append([]string{filepath.Join(repo, "deploy", "base")}, dirs...)
	components, _ := filepath.Glob(filepath.Join(repo, "deploy", "components", "*"))
	for _, component := range components {
		// A component renders on top of the base, from an overlay of the test's own.
		overlay := t.TempDir()
		base, _ := filepath.Rel(overlay, filepath.Join(repo, "deploy", "base"))
		comp, _ := filepath.Rel(overlay, component)
		k := "resources: [" + base + "]\ncomponents: [" + comp + "]\n"
		if err := os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), []byte(k), 0o644); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, overlay+"#"+filepath.Base(component))
	}
	for _, dir := range dirs {
		path, name, _ := strings.Cut(dir, "#")
		if name == "" {
			name, _ = filepath.Rel(repo, path)
		} else {
			name = "deploy/base + deploy/components/" + name
		}
		t.Run(name, func(t *testing.T) {
			rendered := kubectl(t, "kustomize", path)
			dryRun(t, name, rendered)
		})
	}
	examples, _ := filepath.Glob(filepath.Join(repo, "deploy", "examples", "*.yaml"))
	for _, file := range examples {
		t.Run("deploy/examples/"+filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dryRun(t, file, string(data))
		})
	}
}

// dryRun sends the documents to the API server with --dry-run=server, leaving out (and saying
// so) the kinds this cluster has no schema for.
func dryRun(t *testing.T, name, manifest string) {
	t.Helper()
	var kept []string
	for _, doc := range strings.Split(manifest, "\n---\n") {
		var head struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			t.Fatalf("%s: a document does not parse: %v", name, err)
		}
		if kindsWithoutSchema[head.Kind] {
			t.Logf("%s: %s not sent (no CRD in this cluster; scripts/validate-deploy.sh checks it)", name, head.Kind)
			continue
		}
		kept = append(kept, doc)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	out, err := cl.Kubectl(ctx, strings.Join(kept, "\n---\n"), "apply", "--dry-run=server", "-f", "-")
	if err != nil {
		t.Errorf("%s: %v\n%s", name, err, out)
		return
	}
	t.Logf("%s:\n%s", name, strings.TrimSpace(out))
}
