// placeholder
export default function Streams() {
  return null;
}
