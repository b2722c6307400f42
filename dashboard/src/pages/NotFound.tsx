// Any dashboard address that matches no page.
import { Link } from 'react-router-dom';
import { EmptyState } from '../components/ui';

export default function NotFound() {
  return (
    <EmptyState title="This page does not exist" action={<Link to="/apps">Go to your apps</Link>}>
      The address may be mistyped, or the page was moved.
    </EmptyState>
  );
}
