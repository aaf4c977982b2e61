package config

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

//go:embed data/eks-al2023-releases.json
var al2023ReleasesJSON []byte

// AL2023Releases are the EKS-optimized AL2023 AMI releases the platform knows, with the Kubernetes versions each
// ships, kept as data (data/eks-al2023-releases.json, with its source). A pinned Karpenter AMI alias must name one
// that ships the cluster's version: an alias with no AMI for the version launches no node at all.
func AL2023Releases() map[string][]string {
	var doc struct {
		Releases map[string][]string `json:"releases"`
	}
	if err := json.Unmarshal(al2023ReleasesJSON, &doc); err != nil {
		panic(fmt.Sprintf("data/eks-al2023-releases.json: %v", err)) // embedded data, checked by its test
	}
	return doc.Releases
}

// checkAMIAlias reports a pinned alias whose release is unknown or does not ship the Kubernetes version.
func checkAMIAlias(p *problems, key keyPath, alias, kubernetes string) {
	release, pinned := strings.CutPrefix(alias, "al2023@")
	if !pinned || release == "latest" {
		return
	}
	versions, ok := AL2023Releases()[release]
	switch {
	case !ok:
		p.bad(key, alias, "is not a known AL2023 AMI release (internal/config/data/eks-al2023-releases.json lists them; add a newer one there with the Kubernetes versions its CHANGELOG entry ships)")
	case !slices.Contains(versions, kubernetes):
		p.bad(key, alias, "has no AMI for Kubernetes %s: that release ships %s", kubernetes, strings.Join(versions, ", "))
	}
}
