package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKeyPathPrintsTheKeyAsErrorsName(t *testing.T) {
	w := keyPath(KeyWorkload).Field("eks")
	assert.Equal(t, keyPath("platform:workload.eks.access[0].policy"), w.Field("access").Index(0).Field("policy"))
	assert.Equal(t, keyPath(`platform:workload.eks.addons["vpc-cni"]`), w.Field("addons").Key("vpc-cni"))
}

func TestUniqueNamesPointsEveryRepeatAtTheFirstUse(t *testing.T) {
	var p problems
	groups := []Group{{Name: "ops"}, {Name: "dev"}, {Name: "ops"}, {Name: "ops"}}
	uniqueNames(&p, "platform:security.identityCenter.groups", "name", groups, func(g Group) string { return g.Name })
	assert.EqualError(t, p.err(),
		`platform:security.identityCenter.groups[2].name "ops" is already used by platform:security.identityCenter.groups[0]`+"\n"+
			`platform:security.identityCenter.groups[3].name "ops" is already used by platform:security.identityCenter.groups[0]`)

	p = nil
	uniqueNames(&p, "x", "name", groups[:2], func(g Group) string { return g.Name })
	assert.NoError(t, p.err())
}
