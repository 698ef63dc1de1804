package synth

import (
	"context"
	"fmt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
)

// Prepare describes the owner's (new) workspace to Generate: its web channel, types,
// and a few reasons, components and managers to spread over the dialogs.
func Prepare(ctx context.Context, a *app.App, owner *beseda.User) (Spec, error) {
	spec := Spec{WorkspaceID: owner.WorkspaceID, UserIDs: []int64{owner.ID}, Seed: 1}
	channels, err := a.Channels.ListChannels(ctx, owner)
	if err != nil {
		return spec, err
	}
	spec.ChannelID = channels[0].ID
	types, err := a.Settings.ListCatalog(ctx, owner, beseda.CatalogTypes)
	if err != nil {
		return spec, err
	}
	for _, t := range types {
		spec.TypeIDs = append(spec.TypeIDs, t.ID)
	}
	for _, name := range []string{"Misunderstood a feature", "Feature limitation", "Billing", "Bug"} {
		it, err := a.Settings.AddCatalogItem(ctx, owner, beseda.CatalogReasons, name)
		if err != nil {
			return spec, err
		}
		spec.ReasonIDs = append(spec.ReasonIDs, it.ID)
	}
	for _, name := range []string{"Lead generation", "Funnels", "Broadcasts"} {
		it, err := a.Settings.AddCatalogItem(ctx, owner, beseda.CatalogComponents, name)
		if err != nil {
			return spec, err
		}
		spec.ComponentIDs = append(spec.ComponentIDs, it.ID)
	}
	for i := range 4 {
		u, err := a.Users.CreateUser(ctx, owner, beseda.UserCreate{Email: fmt.Sprintf("synth-manager-%d-%d@example.com", i, owner.ID),
			Name: fmt.Sprintf("Manager %d", i+1), Password: "synthetic data"})
		if err != nil {
			return spec, err
		}
		spec.UserIDs = append(spec.UserIDs, u.ID)
	}
	return spec, nil
}
