// placeholder
export default function Branding() {
  return null;
}
