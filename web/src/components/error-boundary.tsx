import { Component, type ReactNode } from 'react';

type State = { error: Error | null };

/** A page that throws shows what went wrong instead of a blank screen; the rest of the shell stays. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="notice error" role="alert">
        <strong>This page failed to show.</strong> {this.state.error.message} Reload the page to try again.
      </div>
    );
  }
}
