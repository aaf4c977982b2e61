package mocks

import "fmt"

// deliveryHandlers answer ECR, the IAM OIDC providers and CodeBuild.
var deliveryHandlers = map[string]handler{
	"aws:ecr/repository:Repository": func(r *registration) {
		r.id = r.name
		r.set("arn", fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", r.region, r.acct, r.name))
		r.set("registryId", r.acct)
		r.set("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", r.acct, r.region, r.name))
	},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": func(r *registration) {
		host := r.in("url")
		if len(host) > len("https://") && host[:len("https://")] == "https://" {
			host = host[len("https://"):]
		}
		r.id = fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", r.acct, host)
		r.set("arn", r.id)
	},
	"aws:codebuild/project:Project": func(r *registration) {
		r.id = r.name
		r.set("arn", fmt.Sprintf("arn:aws:codebuild:%s:%s:project/%s", r.region, r.acct, r.name))
	},
}
