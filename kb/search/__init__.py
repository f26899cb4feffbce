"""Full-text search for the knowledge base (Whoosh + jieba)."""
