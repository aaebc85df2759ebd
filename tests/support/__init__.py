"""Helpers the tests share: answer strategies, the contract oracle, typed intake replies."""
