"""Public web: the publication window (`/public/...`) and notice pages (`/n/{token}`)."""
