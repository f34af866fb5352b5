//! View state (stub).
/// A view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewState {}
