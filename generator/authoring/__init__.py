"""Writing documents: `handbook new` for one, `handbook demo` for a whole organisation."""
