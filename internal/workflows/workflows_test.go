package workflows_test

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/innovate-inc/platform/internal/fixtures"
)

func workflowFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtures.RepoRoot(t), ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// TestActionlint lints every workflow the way `actionlint` does in the repository (its config in
// .github/actionlint.yaml names the deploy runner's label). shellcheck and pyflakes are not run: the library
// only calls them when given their executables.
func TestActionlint(t *testing.T) {
	root := fixtures.RepoRoot(t)
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{ConfigFile: filepath.Join(root, ".github", "actionlint.yaml")})
	require.NoError(t, err)
	errs, err := l.LintRepository(root)
	require.NoError(t, err)
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", filepath.Base(e.Filepath), e.Line, e.Column, e.Message, e.Kind)
	}
}

// A lint catches a broken workflow: the test above can fail.
func TestActionlintFindsErrors(t *testing.T) {
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	require.NoError(t, err)
	errs, err := l.Lint("broken.yml", []byte("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n"), nil)
	require.NoError(t, err)
	require.NotEmpty(t, errs)
	assert.Contains(t, errs[0].Message, "nope")
}

var usesPattern = regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s*(\S+)`)

// Every action is pinned by a full commit SHA (a tag can be moved to other code), with its version in a comment.
// verifiedActions reads pinned-actions.txt: action -> "commit tag".
func verifiedActions(t *testing.T) map[string]string {
	text, err := os.ReadFile("pinned-actions.txt")
	require.NoError(t, err)
	out := map[string]string{}
	for _, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		require.Len(t, f, 3, line)
		out[f[0]] = f[1] + " " + f[2]
	}
	return out
}

// Every action is pinned by a commit SHA, and by the commit and release recorded (and checked against the
// action's repository) in pinned-actions.txt, with that release in the comment after it.
func TestActionsArePinnedByCommit(t *testing.T) {
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	verified := verifiedActions(t)
	seen := 0
	for _, f := range workflowFiles(t) {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range usesPattern.FindAllStringSubmatch(string(text), -1) {
			ref := m[1]
			if strings.HasPrefix(ref, "./") {
				continue // a workflow of this repository, at this commit
			}
			seen++
			assert.Regexp(t, pinned, ref, "%s: %s is not pinned by commit SHA", filepath.Base(f), ref)
			action, sha, _ := strings.Cut(ref, "@")
			want, ok := verified[action]
			if assert.True(t, ok, "%s: %s is not in pinned-actions.txt", filepath.Base(f), action) {
				commit, tag, _ := strings.Cut(want, " ")
				assert.Equal(t, commit, sha, "%s: %s is not the verified commit of %s", filepath.Base(f), action, tag)
				assert.Contains(t, string(text), ref+" # "+tag, "%s: %s names its release", filepath.Base(f), action)
			}
		}
		assert.NotContains(t, string(text), "aws-access-key-id", "%s: AWS credentials come from OIDC only", filepath.Base(f))
	}
	assert.Greater(t, seen, 10)
}

type workflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		Uses        string            `yaml:"uses"`
		With        map[string]any    `yaml:"with"`
		Needs       any               `yaml:"needs"`
		Environment any               `yaml:"environment"`
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Uses string         `yaml:"uses"`
			With map[string]any `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func readWorkflow(t *testing.T, name string) workflow {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(fixtures.RepoRoot(t), ".github", "workflows", name))
	require.NoError(t, err)
	var w workflow
	require.NoError(t, yaml.Unmarshal(text, &w))
	return w
}

// The deploy runs every stack in deploy order, each after the one before; the workload stacks on the deploy
// runner; prod in the protected environment; all through platform-pipeline.
func TestDeployOrder(t *testing.T) {
	w := readWorkflow(t, "deploy.yml")
	prev := "test"
	for _, stack := range []string{"org", "security", "network", "dev", "staging", "prod"} {
		j, ok := w.Jobs[stack]
		require.True(t, ok, stack)
		assert.Equal(t, prev, j.Needs, "%s runs after %s", stack, prev)
		assert.Equal(t, "./.github/workflows/pulumi-stack.yml", j.Uses)
		assert.Equal(t, stack, j.With["stack"])
		assert.Equal(t, "up", j.With["command"])
		assert.Equal(t, "platform-pipeline", j.With["role-name"])
		assert.Equal(t, "write", j.Permissions["id-token"], "%s may request an OIDC token", stack)
		onRunner := strings.HasPrefix(stringOf(j.With["runner"]), "codebuild-platform-deploy-runner-")
		assert.Equal(t, stack == "dev" || stack == "staging" || stack == "prod", onRunner, "%s on the deploy runner", stack)
		if stack == "prod" {
			assert.Equal(t, "production", j.With["environment"])
		} else {
			assert.Nil(t, j.With["environment"])
		}
		prev = stack
	}
	push := w.On["push"].(map[string]any)
	assert.Equal(t, []any{"main"}, push["branches"])
}

// Pull requests preview with the read-only role, never the pipeline's.
func TestPullRequestsPreviewReadOnly(t *testing.T) {
	w := readWorkflow(t, "pull-request.yml")
	p := w.Jobs["preview"]
	assert.Equal(t, "preview", p.With["command"])
	assert.Equal(t, "platform-preview", p.With["role-name"])
	for name, j := range w.Jobs {
		assert.NotEqual(t, "platform-pipeline", j.With["role-name"], name)
	}
	_, ok := w.Jobs["plan-diff"]
	assert.True(t, ok)
}

// Go's module and build caches are kept between runs on GitHub's runners.
func TestGoCaches(t *testing.T) {
	for _, f := range workflowFiles(t) {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		if strings.Contains(string(text), "actions/setup-go@") {
			assert.Contains(t, string(text), "cache: ", "%s sets setup-go's cache", filepath.Base(f))
		}
	}
}

func TestImageIsMultiArch(t *testing.T) {
	w := readWorkflow(t, "image.yml")
	var platforms string
	for _, s := range w.Jobs["build"].Steps {
		if strings.HasPrefix(s.Uses, "docker/build-push-action@") {
			platforms = stringOf(s.With["platforms"])
		}
	}
	assert.Equal(t, "linux/amd64,linux/arm64", platforms)
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// The preview reaches the member accounts through platform-preview (platform:providerRole), not the access role.
func TestPreviewSetsTheProviderRole(t *testing.T) {
	assert.Equal(t, "platform-preview", readWorkflow(t, "pull-request.yml").Jobs["preview"].With["provider-role"])
	for name, j := range readWorkflow(t, "deploy.yml").Jobs {
		assert.Nil(t, j.With["provider-role"], "%s deploys through the access role", name)
	}
}
