package cicd

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/scope"
)

// PublishersArgs configures Publishers.
type PublishersArgs struct {
	scope.Scope // the networking account (ECR), home region
	GitHub      config.GitHub
	Company     string
	// Applications each get a publisher that pushes only to its own repository.
	Applications []config.Application
}

// Publishers creates, in the networking account, one image publisher role per application, assumable only by
// GitHub Actions on the deploy branch of the application's own repository, allowed to push to that
// application's ECR repository alone. The account's GitHub OIDC provider comes from the security stack
// (AccountAccess). It exports the role ARNs by application.
type Publishers struct {
	pulumi.ResourceState

	RoleARNs map[string]string
}

// NewPublishers registers the publisher roles.
func NewPublishers(ctx *pulumi.Context, name string, args PublishersArgs, opts ...pulumi.ResourceOption) (_ *Publishers, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("publishers %s: %w", name, err)
		}
	}()
	c := &Publishers{RoleARNs: map[string]string{}}
	if err := ctx.RegisterComponentResource("platform:cicd:Publishers", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering: %w", err)
	}
	for _, app := range args.Applications {
		roleName := PublisherRoleName(app.Name)
		repoARN := fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", args.Region, args.AccountID, RepositoryName(args.Company, app.Name))
		if _, err := role(ctx, scope.Child(name, app.Name), args.Scope, roleSpec{
			name:        roleName,
			description: fmt.Sprintf("Pushes %s images from %s/%s on %s", app.Name, args.GitHub.Owner, app.Repository, args.GitHub.Branch),
			trust:       iampolicy.New(GitHubTrust(args.AccountID, args.GitHub.BranchSubject(app.Repository, args.GitHub.Branch))),
			inline:      map[string]iampolicy.Document{"push": PublisherPolicy(repoARN)},
		}, c); err != nil {
			return nil, err
		}
		c.RoleARNs[app.Name] = RoleARN(args.AccountID, roleName)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

// PublisherPolicy pushes (and reads back, for multi-arch manifests and cache layers) one repository.
func PublisherPolicy(repoARN string) iampolicy.Document {
	return iampolicy.New(
		// GetAuthorizationToken has no resource: it returns the registry login.
		iampolicy.Statement{Sid: "Login", Effect: iampolicy.Allow, Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "PushOneRepository", Effect: iampolicy.Allow, Resource: []string{repoARN},
			Action: append([]string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages"}, PushActions...)},
	)
}
