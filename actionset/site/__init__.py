"""The provider's public pages, enquiries and the pipeline."""
