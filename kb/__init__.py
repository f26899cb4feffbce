"""kb: a knowledge base and search system for Chinese government policy documents (政策文件)."""
__version__ = "0.1.0"
