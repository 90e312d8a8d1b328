package share

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/store"
)

// Service creates and reads share links on a store.
type Service struct {
	Store store.Store
}

// Created is the answer to a share request.
type Created struct {
	ID  string `json:"id"`
	URL string `json:"url"` // path of the playground page with that state: /s/ID
}

// URLPath is the playground page that opens a shared state.
func URLPath(id string) string { return "/s/" + id }

// Create validates and stores a state and returns its id. Errors are
// *api.Error for the client's mistakes; anything else is a store fault.
func (s *Service) Create(ctx context.Context, body []byte) (Created, error) {
	canon, err := Canonical(body)
	if err != nil {
		return Created{}, err
	}
	short, long := IDs(canon)
	id := short
	err = s.Store.Put(ctx, short, canon)
	if errors.Is(err, store.ErrConflict) {
		// A different state owns the 64-bit id: use the 128-bit one.
		id = long
		err = s.Store.Put(ctx, long, canon)
	}
	if err != nil {
		return Created{}, fmt.Errorf("share: storing %s: %w", id, err)
	}
	return Created{ID: id, URL: URLPath(id)}, nil
}

// Get returns the canonical state stored under id.
func (s *Service) Get(ctx context.Context, id string) ([]byte, error) {
	if !ValidID(id) {
		return nil, api.Errorf(http.StatusBadRequest, "bad_id",
			"%q is not a share id (11 or 22 characters of A-Z a-z 0-9 - _)", truncate(id, 40))
	}
	data, err := s.Store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.Errorf(http.StatusNotFound, "not_found", "no shared program has the id %q: the link is wrong or was never created here", id)
	}
	if err != nil {
		return nil, fmt.Errorf("share: reading %s: %w", id, err)
	}
	return data, nil
}
