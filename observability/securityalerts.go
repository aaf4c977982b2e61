package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/cloudwatch"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// MaxEventRuleName is EventBridge's limit on rule names.
const MaxEventRuleName = 64

// SecurityAlertsArgs configures SecurityAlerts.
type SecurityAlertsArgs struct {
	// Scope is Security Tooling in the home region, where every alert is raised.
	scope.Scope
	// Regions are the allowed regions, home first; Providers reach Security Tooling in each.
	Regions   []string
	Providers map[string]*aws.Provider
	// ManagementAccountID and ManagementProviders (by region) reach the management account, whose CloudTrail
	// events EventBridge delivers only there.
	ManagementAccountID string
	ManagementProviders map[string]*aws.Provider
	Config              config.SecurityAlerts
}

// SecurityAlerts creates, in Security Tooling's home region: a KMS-encrypted SNS topic per severity (critical,
// high) with the email subscriptions and optional chat channel from config, and an EventBridge rule per alert
// (Alerts) on the default bus publishing to its topic; the topic policies let only those rules publish.
// Events that are emitted elsewhere are forwarded to that bus, one hop: GuardDuty and Access Analyzer findings from
// Security Tooling's other regions, and the management account's CloudTrail events (root activity, sign-in
// without MFA, changes to SCPs, CloudTrail, Config and GuardDuty) from each region they are emitted in (us-east-1
// for global services), through a forwarding role in each account; the default bus's policy admits only the
// management account's forwarding role.
//
// Cost: $1/month per topic key; EventBridge rules on AWS service events and cross-account delivery are $1 per
// million events; SNS email is free at alert volumes.
//
// It exports the topic ARNs by severity.
type SecurityAlerts struct {
	pulumi.ResourceState

	TopicARNs map[Severity]pulumi.StringOutput
}

// NewSecurityAlerts registers the topics, the rules and the forwarders.
func NewSecurityAlerts(ctx *pulumi.Context, name string, args SecurityAlertsArgs, opts ...pulumi.ResourceOption) (*SecurityAlerts, error) {
	c := &SecurityAlerts{TopicARNs: map[Severity]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("platform:observability:SecurityAlerts", name, c, opts...); err != nil {
		return nil, err
	}
	s := alertSteps{c: c, name: name, args: args, alerts: Alerts(args.Config.GuardDutyMinSeverity)}
	if err := s.topics(ctx); err != nil {
		return nil, fmt.Errorf("security alerts %s: topics: %w", name, err)
	}
	if err := s.rules(ctx); err != nil {
		return nil, fmt.Errorf("security alerts %s: rules: %w", name, err)
	}
	if err := s.forwarders(ctx); err != nil {
		return nil, fmt.Errorf("security alerts %s: forwarding: %w", name, err)
	}
	outs := pulumi.Map{}
	for sev, arn := range c.TopicARNs {
		outs[string(sev)] = arn
	}
	return c, ctx.RegisterResourceOutputs(c, outs)
}

// alertSteps is what every step of SecurityAlerts needs.
type alertSteps struct {
	c      *SecurityAlerts
	name   string
	args   SecurityAlertsArgs
	alerts []Alert
}

// RuleName is the name of an alert's rule on Security Tooling's bus.
func RuleName(component string, a Alert) string {
	return naming.Limited(scope.Child(component, a.Name), MaxEventRuleName)
}

// RuleARN is the ARN of a rule of the default bus.
func RuleARN(region, account, rule string) string {
	return fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", region, account, rule)
}

// DefaultBusARN is the ARN of an account's default event bus in a region.
func DefaultBusARN(region, account string) string {
	return fmt.Sprintf("arn:aws:events:%s:%s:event-bus/default", region, account)
}

// TopicName is the name of a severity's topic.
func TopicName(component string, sev Severity) string { return scope.Child(component, string(sev)) }

// topics creates a topic per severity, publishable by the rules of that severity only.
func (s *alertSteps) topics(ctx *pulumi.Context) error {
	a := s.args
	for _, sev := range []Severity{Critical, High} {
		var publishers []string
		for _, al := range s.alerts {
			if al.Severity == sev {
				publishers = append(publishers, RuleARN(a.Region, a.AccountID, RuleName(s.name, al)))
			}
		}
		route := a.Config.Critical
		if sev == High {
			route = a.Config.High
		}
		topic, err := alertTopic(ctx, a.Scope, s.c, topicSpec{name: TopicName(s.name, sev), service: EventBridge,
			publishers: publishers, route: route})
		if err != nil {
			return err
		}
		s.c.TopicARNs[sev] = topic.Arn
	}
	return nil
}

// rules creates every alert's rule on the home region's default bus, where forwarded events arrive too.
func (s *alertSteps) rules(ctx *pulumi.Context) error {
	for _, al := range s.alerts {
		pattern, err := al.PatternJSON()
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("Security alert %s (%s)", al.Name, al.Severity)
		if al.CIS != "" {
			desc += ", CIS AWS Foundations " + al.CIS
		}
		rule, err := cloudwatch.NewEventRule(ctx, scope.Child(s.name, al.Name), cloudwatch.EventRuleArgs{
			Name: RuleName(s.name, al), Description: desc, EventPattern: pattern,
		}, s.args.In(s.c)...)
		if err != nil {
			return fmt.Errorf("creating the %s rule: %w", al.Name, err)
		}
		if _, err := cloudwatch.NewEventTarget(ctx, scope.Child(s.name, al.Name, "target"), cloudwatch.EventTargetArgs{
			Rule: rule.Name, Arn: s.c.TopicARNs[al.Severity], TargetID: "alert-topic",
		}, s.args.In(s.c)...); err != nil {
			return fmt.Errorf("targeting the %s topic from the %s rule: %w", al.Severity, al.Name, err)
		}
	}
	return nil
}

// forwarders send the events emitted outside Security Tooling's home region to its default bus: from Security
// Tooling's other regions and from the management account. EventBridge forwards an event one hop only, so each
// forwarder sends straight to the home bus.
func (s *alertSteps) forwarders(ctx *pulumi.Context) error {
	a := s.args
	home := a.Region
	bus := DefaultBusARN(home, a.AccountID)
	tooling := scope.Scope{Stack: a.Stack, AccountID: a.AccountID, Region: home, Provider: a.Providers[home], Tags: a.Tags}
	mgmtHome, ok := a.ManagementProviders[home]
	if !ok {
		return fmt.Errorf("no provider for the management account in the home region %s", home)
	}
	mgmt := scope.Scope{Stack: a.Stack, AccountID: a.ManagementAccountID, Region: home, Provider: mgmtHome, Tags: a.Tags}
	toolingRole, err := forwardingRole(ctx, s.c, tooling, scope.Child(s.name, "forward"), bus)
	if err != nil {
		return err
	}
	mgmtRole, err := forwardingRole(ctx, s.c, mgmt, scope.Child(s.name, "forward-management"), bus)
	if err != nil {
		return err
	}
	policy, err := BusPolicy(bus, ForwardingRoleARN(a.ManagementAccountID, scope.Child(s.name, "forward-management"))).JSON()
	if err != nil {
		return err
	}
	// IAM refuses a resource policy naming a role that does not exist yet.
	busPolicy, err := cloudwatch.NewEventBusPolicy(ctx, scope.Child(s.name, "bus-policy"), cloudwatch.EventBusPolicyArgs{
		EventBusName: "default", Policy: policy,
	}, tooling.In(s.c, pulumi.DependsOn([]pulumi.Resource{mgmtRole}))...)
	if err != nil {
		return fmt.Errorf("creating the bus policy: %w", err)
	}
	for _, al := range s.alerts {
		for _, region := range al.Regions(a.Regions, home) {
			switch {
			case al.FromManagement():
				p, ok := a.ManagementProviders[region]
				if !ok {
					return fmt.Errorf("alert %s: no provider for the management account in %s, where its events are emitted", al.Name, region)
				}
				if err := s.forwarder(ctx, al, region, "management", p, mgmtRole, bus, busPolicy); err != nil {
					return err
				}
			case region != home:
				if err := s.forwarder(ctx, al, region, "", a.Providers[region], toolingRole, bus); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// forwarder is one rule sending an alert's events from one account and region to the home bus.
func (s *alertSteps) forwarder(ctx *pulumi.Context, al Alert, region, from string, p *aws.Provider, role *iam.Role, bus string, after ...pulumi.Resource) error {
	parts := []string{"forward", al.Name, region}
	if from != "" {
		parts = []string{"forward", from, al.Name, region}
	}
	name := scope.Child(s.name, parts...)
	pattern, err := al.PatternJSON()
	if err != nil {
		return err
	}
	opts := []pulumi.ResourceOption{pulumi.Parent(s.c), pulumi.Provider(p)}
	rule, err := cloudwatch.NewEventRule(ctx, name, cloudwatch.EventRuleArgs{
		Name:         naming.Limited(name, MaxEventRuleName),
		Description:  "Forwards " + al.Name + " events to Security Tooling's home bus",
		EventPattern: pattern,
	}, opts...)
	if err != nil {
		return fmt.Errorf("creating the forwarding rule %s: %w", name, err)
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-target", cloudwatch.EventTargetArgs{
		Rule: rule.Name, Arn: pulumi.String(bus), RoleARN: role.Arn, TargetID: "security-tooling-bus",
	}, append(opts, pulumi.DependsOn(after))...); err != nil {
		return fmt.Errorf("targeting the home bus from %s: %w", name, err)
	}
	return nil
}

// ForwardingRoleARN is the ARN of a forwarding role of that name in an account.
func ForwardingRoleARN(account, name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", account, naming.Limited(name, naming.MaxIAMRoleName))
}

// forwardingRole is the role EventBridge assumes in an account to put events on the home bus.
func forwardingRole(ctx *pulumi.Context, parent pulumi.Resource, s scope.Scope, name, bus string) (*iam.Role, error) {
	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Name:             pulumi.String(naming.Limited(name, naming.MaxIAMRoleName)),
		Description:      pulumi.String("EventBridge forwards security events to Security Tooling's home bus"),
		AssumeRolePolicy: pulumi.String(iampolicy.ServiceTrust(EventBridge, s.AccountID).MustJSON()),
	}, s.In(parent)...)
	if err != nil {
		return nil, fmt.Errorf("creating the forwarding role %s: %w", name, err)
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-policy", &iam.RolePolicyArgs{
		Role: role.Name, Name: pulumi.String("put-events-on-home-bus"),
		Policy: pulumi.String(iampolicy.New(iampolicy.Statement{Sid: "PutEventsOnHomeBus", Effect: iampolicy.Allow,
			Action: []string{"events:PutEvents"}, Resource: []string{bus}}).MustJSON()),
	}, s.In(parent)...); err != nil {
		return nil, fmt.Errorf("the forwarding role policy %s: %w", name, err)
	}
	return role, nil
}

// BusPolicy lets only the forwarding role of the management account put events on the home bus.
func BusPolicy(bus, forwarder string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{Sid: "ManagementAccountForwards", Effect: iampolicy.Allow,
		Principal: &iampolicy.Principal{AWS: []string{forwarder}}, Action: []string{"events:PutEvents"}, Resource: []string{bus}})
}
