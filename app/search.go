package app

import (
	"context"

	"github.com/beseda/beseda"
)

// Search finds messages, clients and dialogs (issue 21).
type Search struct{ *core }

// Find finds messages, clients or dialogs of the actor's workspace (SPEC
// §6). Every manager sees every chat of the workspace, internal notes
// included, as in the console; nothing of another workspace is ever looked
// at. Each hit's snippet is its text, HTML-escaped, with the hits marked.
func (a *Search) Find(ctx context.Context, actor *beseda.User, f beseda.SearchFilter) (beseda.SearchPage, error) {
	f.WorkspaceID = actor.WorkspaceID
	if err := f.Validate(); err != nil {
		return beseda.SearchPage{}, err
	}
	page, err := a.db.Search(ctx, f)
	if err != nil {
		return beseda.SearchPage{}, err
	}
	for i := range page.Items {
		page.Items[i].Snippet = f.Query.Highlight(page.Items[i].Text)
	}
	return page, nil
}
