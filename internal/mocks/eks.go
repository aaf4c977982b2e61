package mocks

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// eksHandlers answer Amazon EKS: managed node groups, add-ons, access entries and Pod Identity associations.
// The cluster itself is the pulumi-eks component, answered by eksCluster.
var eksHandlers = map[string]handler{
	"aws:eks/nodeGroup:NodeGroup": func(r *registration) {
		cluster, group := r.in("clusterName"), r.in("nodeGroupName")
		r.id = cluster + ":" + group
		r.set("arn", fmt.Sprintf("arn:aws:eks:%s:%s:nodegroup/%s/%s/%s", r.region, r.acct, cluster, group, uuid(r.urn)))
		r.set("status", "ACTIVE")
	},
	"aws:eks/addon:Addon": func(r *registration) {
		cluster, addon := r.in("clusterName"), r.in("addonName")
		r.id = cluster + ":" + addon
		r.set("arn", fmt.Sprintf("arn:aws:eks:%s:%s:addon/%s/%s/%s", r.region, r.acct, cluster, addon, uuid(r.urn)))
	},
	"aws:eks/accessEntry:AccessEntry": func(r *registration) {
		cluster := r.in("clusterName")
		r.id = cluster + ":" + r.in("principalArn")
		r.set("accessEntryArn", fmt.Sprintf("arn:aws:eks:%s:%s:access-entry/%s/role/%s/%s", r.region, r.acct, cluster, r.acct, uuid(r.urn)))
	},
	"aws:eks/podIdentityAssociation:PodIdentityAssociation": func(r *registration) {
		r.id = r.in("clusterName") + "," + "a-" + lowerAlnum(r.urn, 17)
		r.set("associationId", "a-"+lowerAlnum(r.urn, 17))
	},
}

// eksCluster answers for the pulumi-eks Cluster remote component, which gets no children under mocks: the
// outputs the program reads (endpoint, kubeconfig), in the account and region of its provider.
func (m *Monitor) eksCluster(urn string, args pulumi.MockResourceArgs, outs resource.PropertyMap) {
	ref := ""
	if args.RegisterRPC != nil {
		ref = args.RegisterRPC.GetProviders()["aws"]
	}
	t := m.targetOf(ref)
	name := stringInput(args.Inputs, "name")
	endpoint := fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", strings.ToUpper(hexID(urn, 32)), t.region)
	kubeconfig := map[string]any{
		"apiVersion": "v1", "kind": "Config", "current-context": "aws",
		"clusters": []any{map[string]any{"name": "kubernetes", "cluster": map[string]any{
			"server": endpoint, "certificate-authority-data": "LS0tLS1CRUdJTi1tb2NrLWNhLS0tLS0="}}},
		"contexts": []any{map[string]any{"name": "aws", "context": map[string]any{"cluster": "kubernetes", "user": "aws"}}},
		"users": []any{map[string]any{"name": "aws", "user": map[string]any{"exec": map[string]any{
			"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
			"args": []any{"eks", "get-token", "--cluster-name", name, "--region", t.region}}}}},
	}
	text, _ := json.Marshal(kubeconfig)
	outs["kubeconfig"] = resource.NewPropertyValue(kubeconfig)
	outs["kubeconfigJson"] = resource.NewProperty(string(text))
	outs["core"] = resource.NewPropertyValue(map[string]any{"endpoint": endpoint, "subnetIds": []any{}, "tags": map[string]any{}})
}
