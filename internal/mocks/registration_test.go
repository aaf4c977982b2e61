package mocks

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A type token has one handler: one in two families would answer by whichever table comes first.
func TestEachTypeHasOneHandler(t *testing.T) {
	seen := map[string]int{}
	for i, f := range families {
		for token := range f {
			if j, ok := seen[token]; ok {
				t.Errorf("%s has a handler in families[%d] and families[%d]", token, j, i)
			}
			seen[token] = i
			// AWS resources, and the Kubernetes objects a cluster's controllers give a status Pulumi waits for.
			assert.True(t, strings.HasPrefix(token, "aws:") || strings.HasPrefix(token, "kubernetes:"), "%s: the tables answer AWS resources and awaited Kubernetes objects only", token)
		}
	}
}
