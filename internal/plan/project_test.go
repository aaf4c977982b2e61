package plan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
}

func TestLoadProjectFlattensConfigLikeTheEngine(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Pulumi.yaml", `name: platform
runtime: go
config:
  pulumi:disable-default-providers:
    value: ["*"]
  layer:
    type: string
    default: organization
`)
	write(t, dir, "Pulumi.dev.yaml", `config:
  aws:region: us-east-1
  platform:estate:
    company: acme
    allowedRegions: [us-east-1]
  platform:count: 3
  platform:password:
    secure: AAABAKx2
`)
	p, err := LoadProject(dir)
	require.NoError(t, err)
	require.Len(t, p.Stacks, 1)
	s := p.Stacks[0]
	assert.Equal(t, "dev", s.Name)
	assert.Equal(t, "us-east-1", s.Region())
	assert.Equal(t, "organization", s.Config["platform:layer"], "project defaults apply")
	assert.Equal(t, `["*"]`, s.Config["pulumi:disable-default-providers"])
	assert.JSONEq(t, `{"company":"acme","allowedRegions":["us-east-1"]}`, s.Config["platform:estate"])
	assert.Equal(t, "3", s.Config["platform:count"])
	assert.Equal(t, "[secret]", s.Config["platform:password"])
	assert.Equal(t, []string{"platform:password"}, s.SecretKeys)
}

func TestLoadProjectErrors(t *testing.T) {
	_, err := LoadProject(t.TempDir())
	assert.ErrorContains(t, err, "reading the project file")

	dir := t.TempDir()
	write(t, dir, "Pulumi.yaml", "name: platform\nruntime: go\n")
	_, err = LoadProject(dir)
	assert.ErrorContains(t, err, "no Pulumi.<stack>.yaml files")

	write(t, dir, "Pulumi.org.yaml", "config: [")
	_, err = LoadProject(dir)
	assert.ErrorContains(t, err, "Pulumi.org.yaml")
}

// Pulumi gives every stack the project's default of a key the stack file does not set, objects included; a stack
// file that sets the key replaces the whole object.
func TestLoadProjectGivesEveryStackTheProjectEstate(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Pulumi.yaml", `name: platform
runtime: go
config:
  estate:
    type: object
    default:
      company: acme
      allowedRegions: [us-east-1, us-west-2]
      tags:
        owner: ops
`)
	write(t, dir, "Pulumi.dev.yaml", "config:\n  aws:region: us-east-1\n")
	write(t, dir, "Pulumi.prod.yaml", `config:
  platform:estate:
    company: other
    allowedRegions: [eu-west-1]
`)
	p, err := LoadProject(dir)
	require.NoError(t, err)
	require.Len(t, p.Stacks, 2)
	dev, prod := p.Stacks[0], p.Stacks[1]
	require.Equal(t, "dev", dev.Name)
	assert.JSONEq(t, `{"company":"acme","allowedRegions":["us-east-1","us-west-2"],"tags":{"owner":"ops"}}`, dev.Config["platform:estate"],
		"a stack without its own estate gets the project's")
	assert.JSONEq(t, `{"company":"other","allowedRegions":["eu-west-1"]}`, prod.Config["platform:estate"],
		"the stack's estate wins, whole: nothing of the project's default is merged in")
}

// A key of the project's namespace declared without a value or default is one Pulumi requires of every stack.
func TestLoadProjectRejectsAStackWithoutAKeyTheProjectRequires(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Pulumi.yaml", `name: platform
runtime: go
config:
  aws:region:
    value: us-east-1
  layer:
    type: string
  network:
    type: object
`)
	write(t, dir, "Pulumi.dev.yaml", "config:\n  platform:layer: workload\n")
	_, err := LoadProject(dir)
	assert.EqualError(t, err, `Pulumi.dev.yaml: stack "dev" does not set platform:network, which Pulumi.yaml declares without a default: Pulumi requires it in every stack`)

	write(t, dir, "Pulumi.dev.yaml", "config:\n  platform:layer: workload\n  platform:network: {}\n")
	p, err := LoadProject(dir)
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", p.Stacks[0].Region(), "another namespace's key comes from its value")
}
