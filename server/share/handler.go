package share

import (
	"net/http"
	"strconv"

	"github.com/bpfplay/bpfplay/server/api"
)

// HandleCreate serves POST /api/share.
func (s *Service) HandleCreate(w http.ResponseWriter, r *http.Request) {
	if err := api.CheckJSONContentType(r); err != nil {
		api.WriteError(w, err)
		return
	}
	body, err := api.ReadBody(w, r, MaxStateSize)
	if err != nil {
		api.WriteError(w, err)
		return
	}
	c, err := s.Create(r.Context(), body)
	if err != nil {
		api.WriteError(w, err)
		return
	}
	w.Header().Set("Location", "/api/share/"+c.ID)
	api.WriteJSON(w, http.StatusCreated, c)
}

// HandleGet serves GET /api/share/{id}. A state never changes, so it may
// be cached forever.
func (s *Service) HandleGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	etag := `"` + id + `"`
	if ValidID(id) && r.Header.Get("If-None-Match") == etag {
		w.Header().Set("ETag", etag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	data, err := s.Get(r.Context(), id)
	if err != nil {
		api.WriteError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// Register adds the share endpoints to mux.
func (s *Service) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/share", s.HandleCreate)
	mux.HandleFunc("GET /api/share/{id}", s.HandleGet)
}
