import { Link } from '../router.tsx';

export function NotHere({ home }: { home: string }) {
  return (
    <section>
      <h1>Not here</h1>
      <p>
        This page does not exist, or your account may not see it. <Link to={home}>Go to your start page</Link>
        .
      </p>
    </section>
  );
}
