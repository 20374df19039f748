package data

// Put creates or replaces incidents in one transaction, all or none: the
// tests' shorthand for Import in ModeUpsert.
func (s *Store) Put(ins ...*Incident) error {
	_, err := s.Import(ins, ImportOptions{Mode: ModeUpsert})
	return err
}
