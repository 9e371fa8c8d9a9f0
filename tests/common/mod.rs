//! Shared helpers for the integration tests: the reference model and the vector loader.
//!
//! Each test crate uses only part of this module (hence `dead_code`), and the items are `pub`
//! so that every test crate can reach them through its own `mod common;` (hence
//! `unreachable_pub`).
#![allow(dead_code, unreachable_pub)]

pub mod model;
pub mod vectors;
