package app

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Demo accounts seeded by SeedDemo (SPEC §3).
const (
	DemoOwnerEmail   = "admin@example.com"
	DemoManagerEmail = "manager@example.com"
	DemoPassword     = "demo"
)

// SeedDemo fills an empty database with a workspace to try Beseda with: an
// owner and a manager (password "demo"), the web-chat channel, reasons and
// components, and a few clients with history. It does nothing if the database
// already holds a workspace.
func (a *App) SeedDemo(ctx context.Context) error {
	n, err := a.db.CountWorkspaces(ctx)
	if err != nil || n > 0 {
		return err
	}
	_, owner, err := a.CreateWorkspace(ctx, beseda.WorkspaceCreate{Name: "Demo Shop", Locale: beseda.LocaleEN,
		OwnerEmail: DemoOwnerEmail, OwnerName: "Alice Owner", OwnerPassword: DemoPassword})
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	// The demo password is shorter than the API allows, so the manager is
	// stored directly.
	hash, err := a.hashPassword(DemoPassword)
	if err != nil {
		return err
	}
	manager := &beseda.User{WorkspaceID: owner.WorkspaceID, Email: DemoManagerEmail, Name: "Max Manager",
		Role: beseda.RoleManager, Permissions: []beseda.Permission{}, CreatedAt: a.now()}
	if err := a.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, manager, hash) }); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}

	var reasons, components []int64
	for _, name := range []string{"Misunderstood a feature", "Feature limitation", "Billing question"} {
		it, err := a.AddCatalogItem(ctx, owner, beseda.CatalogReasons, name)
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		reasons = append(reasons, it.ID)
	}
	for _, name := range []string{"Lead generation tools", "Funnels", "Broadcasts"} {
		it, err := a.AddCatalogItem(ctx, owner, beseda.CatalogComponents, name)
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		components = append(components, it.ID)
	}
	types, err := a.ListCatalog(ctx, owner, beseda.CatalogTypes)
	if err != nil {
		return err
	}
	channels, err := a.ListChannels(ctx, owner)
	if err != nil {
		return err
	}
	web := channels[0]

	clients := []struct {
		name     string
		messages []string
	}{
		{"Anna Petrova", []string{"Hi! The lead form on my landing page stopped sending leads.", "It worked yesterday."}},
		{"Boris Ivanov", []string{"How do I add a delay between funnel steps?"}},
		{"Chen Wei", []string{"Can I get a refund for last month?"}},
		{"Dana Smith", []string{"Hello, is anyone there?"}},
	}
	var subs []*beseda.Subscriber
	for _, c := range clients {
		_, sub, err := a.StartVisitor(ctx, web.Key, c.name, netip.Addr{})
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		for _, text := range c.messages {
			if _, err := a.ReceiveMessage(ctx, sub, Inbound{Text: text}); err != nil {
				return fmt.Errorf("seed demo: %w", err)
			}
		}
		subs = append(subs, sub)
	}

	// Boris's question was answered in the general chat.
	if _, err := a.PostChatMessage(ctx, owner, subs[1].ID, "Open the funnel, pick a step and set its delay in the step settings."); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	// Chen's refund went through a dialog that is completed and rated.
	d, err := a.CreateDialog(ctx, owner, beseda.DialogCreate{SubscriberID: subs[2].ID, Title: "Refund for October",
		TypeID: types[len(types)-1].ID, ReasonIDs: reasons[2:3], ComponentIDs: components[2:3]})
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	if _, err := a.PostDialogMessage(ctx, owner, d.ID, "Your refund is on its way; it takes 3–5 business days."); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	completed, rating, form := beseda.DialogCompleted, 3, true
	if _, err := a.UpdateDialog(ctx, owner, d.ID, beseda.DialogUpdate{Status: &completed, AccountRating: &rating,
		SendRatingForm: &form}); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	// Chen taps "Excellent" on the rating form.
	msgs, err := a.VisitorMessages(ctx, subs[2], 0, false, 50)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if len(m.Buttons) == 3 {
			if err := a.ReceivePostback(ctx, subs[2], m.Buttons[2].Payload); err != nil {
				return fmt.Errorf("seed demo: %w", err)
			}
		}
	}
	// Anna's broken lead form is being handled right now, with the manager.
	d, err = a.CreateDialog(ctx, owner, beseda.DialogCreate{SubscriberID: subs[0].ID, Title: "Lead form stopped sending leads",
		TypeID: types[0].ID, ReasonIDs: reasons[1:2], ComponentIDs: components[0:1], ParticipantIDs: []int64{manager.ID}})
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	if _, err := a.PostDialogMessage(ctx, owner, d.ID, "Hi Anna, I'm looking into it. Which page is it?"); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	a.log.Info("demo data seeded", "workspace", owner.WorkspaceID)
	return nil
}
