// Command baseline is the smallest program of this program's shape, for scripts/measure: a VPC, an EKS cluster
// (pulumi-eks) and one helm/v4 chart, with the same module versions. Its cold build is what any Pulumi Go program
// on these SDKs costs; the platform's cold build is measured against it. It lives under testdata so `./...`
// does not build it; scripts/measure builds it by path. It is never deployed.
package main

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		vpc, err := ec2.NewVpc(ctx, "baseline", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		if err != nil {
			return err
		}
		cluster, err := eks.NewCluster(ctx, "baseline", &eks.ClusterArgs{VpcId: vpc.ID()})
		if err != nil {
			return err
		}
		k8s, err := kubernetes.NewProvider(ctx, "baseline", &kubernetes.ProviderArgs{Kubeconfig: cluster.KubeconfigJson})
		if err != nil {
			return err
		}
		_, err = helmv4.NewChart(ctx, "baseline", &helmv4.ChartArgs{
			Chart: pulumi.String("oci://public.ecr.aws/karpenter/karpenter-crd"), Version: pulumi.String("1.15.2"),
		}, pulumi.Provider(k8s))
		return err
	})
}
